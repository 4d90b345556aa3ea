namespace Lla.Data;

/// <summary>
/// How images read from folders are turned into tensors, as the command line gave it (--image-size, --image-mean,
/// --image-std, --skip-unreadable): a setting of every job whose data reads image folders (recorded, compared on resume).
/// </summary>
public sealed record ImageDecoding(int Size, string Mean, string Std, bool SkipUnreadable);
