using System.Runtime.InteropServices;

namespace Lla.Data;

/// <summary>What a path names once symbolic links are followed.</summary>
public enum PathKind { Missing, File, Folder, DanglingLink, Fifo, CharacterDevice, BlockDevice, Socket, Unknown }

/// <summary>
/// Checks a user-given input path before it is opened: it must resolve (symbolic links followed) to a
/// regular file or to a folder. Anything else is one line naming the setting and what the path is: a
/// missing path, a dangling link, a named pipe (opening one for reading waits for a writer, forever),
/// a device, a socket. Every place that opens a file or folder the user named goes through here.
/// </summary>
public static partial class InputPaths
{
    /// <summary>What <paramref name="path"/> is, symbolic links followed.</summary>
    public static PathKind KindOf(string path)
    {
        if (string.IsNullOrEmpty(path)) return PathKind.Missing;
        if (OperatingSystem.IsWindows()) return Directory.Exists(path) ? PathKind.Folder : File.Exists(path) ? PathKind.File : PathKind.Missing;
        int? mode = StatMode(path, followLinks: true);
        if (mode is null)
            return StatMode(path, followLinks: false) is int own && (own & TypeMask) == SymbolicLink ? PathKind.DanglingLink : PathKind.Missing;
        return (mode.Value & TypeMask) switch
        {
            RegularFile => PathKind.File,
            Directory_ => PathKind.Folder,
            NamedPipe => PathKind.Fifo,
            CharacterDevice => PathKind.CharacterDevice,
            BlockDevice => PathKind.BlockDevice,
            Socket_ => PathKind.Socket,
            _ => PathKind.Unknown,
        };
    }

    /// <summary>
    /// Returns <paramref name="path"/> if it is a regular file (after links), else throws one line.
    /// <paramref name="what"/> names the input in messages ("weights file"); <paramref name="setting"/>,
    /// if given, is the setting it came from (rendered by the front end, e.g. --weights).
    /// </summary>
    public static string RequireFile(string path, string what, string? setting = null)
    {
        var kind = KindOf(path);
        if (kind == PathKind.File) return path;
        throw new LlaException(kind == PathKind.Folder
            ? $"{Lead(what, setting)}{path} is a folder: give the {what} itself"
            : Problem(path, kind, what, setting, "a regular file"));
    }

    /// <summary>Returns <paramref name="path"/> if it is a folder (after links), else throws one line.</summary>
    public static string RequireFolder(string path, string what, string? setting = null)
    {
        var kind = KindOf(path);
        if (kind == PathKind.Folder) return path;
        throw new LlaException(kind == PathKind.File
            ? $"{Lead(what, setting)}{path} is a file, not a folder: give the {what}"
            : Problem(path, kind, what, setting, "a folder"));
    }

    /// <summary>Why <paramref name="path"/> is not a regular file, in a few words ("a named pipe (FIFO)"), or null if it is one.</summary>
    public static string? NotAFile(string path)
    {
        var kind = KindOf(path);
        return kind switch
        {
            PathKind.File => null,
            PathKind.Folder => "a folder",
            PathKind.Missing or PathKind.DanglingLink or PathKind.Fifo or PathKind.CharacterDevice or PathKind.BlockDevice or PathKind.Socket
                or PathKind.Unknown => Describe(path, kind),
        };
    }

    private static string Lead(string what, string? setting) => setting is null ? $"{what} " : $"{{{setting}}} ";

    private static string Problem(string path, PathKind kind, string what, string? setting, string wanted) => kind == PathKind.Missing
        ? $"{what} not found: {path}" + (setting is null ? "" : $" ({{{setting}}})")
        : $"{Lead(what, setting)}{path} is {Describe(path, kind)}, not {wanted}";

    private static string Describe(string path, PathKind kind) => kind switch
    {
        PathKind.Missing => "missing",
        PathKind.File => "a regular file",
        PathKind.Folder => "a folder",
        PathKind.DanglingLink => $"a dangling symbolic link (to {LinkTarget(path)}, which does not exist)",
        PathKind.Fifo => "a named pipe (FIFO)",
        PathKind.CharacterDevice => "a character device",
        PathKind.BlockDevice => "a block device",
        PathKind.Socket => "a socket",
        PathKind.Unknown => "a special file",
    };

    private static string LinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget ?? "?"; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "?"; }
    }

    // The file type bits of st_mode (POSIX values; .NET's System.Native reports them unchanged).
    private const int TypeMask = 0xF000, NamedPipe = 0x1000, CharacterDevice = 0x2000, Directory_ = 0x4000, BlockDevice = 0x6000,
        RegularFile = 0x8000, SymbolicLink = 0xA000, Socket_ = 0xC000;

    /// <summary>
    /// st_mode through .NET's own native shim (System.Native's FileStatus: Flags, then Mode, on every
    /// platform and architecture, unlike libc's struct stat); null if the path cannot be stat'ed.
    /// </summary>
    private static unsafe int? StatMode(string path, bool followLinks)
    {
        byte* status = stackalloc byte[512]; // FileStatus is about 130 bytes; room for growth
        try
        {
            int result = followLinks ? Stat(path, status) : LStat(path, status);
            return result == 0 ? *(int*)(status + 4) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No shim: fall back to what .NET tells (no FIFO or device detection).
            return Directory.Exists(path) ? Directory_ : File.Exists(path) ? RegularFile : null;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* status);

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int LStat(string path, byte* status);
}
