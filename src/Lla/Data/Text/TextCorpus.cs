using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Lla.Data.Text;

/// <summary>
/// The documents of a <c>text:PATH</c>: one UTF-8 file, or every text file under a folder (recursively,
/// sorted by path, symbolic links followed, each real file read once), gzip-compressed files
/// decompressed (recognised by their magic bytes). A file with a NUL byte or that is not valid UTF-8 is
/// binary: given alone it is refused; inside a folder it is skipped and counted (fortune's .dat indexes).
/// <see cref="Hash"/> is a SHA-256 over every file's relative path and bytes.
/// </summary>
public sealed class TextCorpus
{
    /// <summary>Files whose names end so are token caches, never text.</summary>
    public const string CacheMarker = ".lla-tokens.";

    public string Path { get; }
    public IReadOnlyList<(string File, byte[] Utf8)> Documents { get; }
    /// <summary>Files under the folder skipped because they are not UTF-8 text (binary).</summary>
    public int SkippedBinary { get; }
    /// <summary>Entries under the folder that are not regular files (dangling links, pipes, devices), skipped.</summary>
    public int SkippedSpecial { get; }
    public string Hash { get; }

    private TextCorpus(string path, List<(string, byte[])> documents, int binary, int special, string hash)
    {
        Path = path; Documents = documents; SkippedBinary = binary; SkippedSpecial = special; Hash = hash;
    }

    public static TextCorpus Read(string path)
    {
        var kind = InputPaths.KindOf(path);
        var documents = new List<(string, byte[])>();
        int binary = 0, special = 0;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (kind == PathKind.File)
        {
            var bytes = Contents(path);
            if (!IsText(bytes)) throw new LlaException($"{{data}} text:{path} is a binary file, not UTF-8 text");
            documents.Add((path, bytes));
            Add(sha, System.IO.Path.GetFileName(path), bytes);
        }
        else
        {
            InputPaths.RequireFolder(path, "text file or folder", "data");
            string root = Real(path);
            var visitedFolders = new HashSet<string>(StringComparer.Ordinal);
            var seenFiles = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (file, relative) in Walk(root, "", visitedFolders))
            {
                var entryKind = InputPaths.KindOf(file);
                if (entryKind != PathKind.File) { special++; continue; }
                if (!seenFiles.Add(Real(file))) continue; // a second link to a file already read
                var bytes = Contents(file);
                if (!IsText(bytes)) { binary++; continue; }
                documents.Add((file, bytes));
                Add(sha, relative, bytes);
            }
        }
        long total = documents.Sum(d => (long)d.Item2.Length);
        if (total == 0)
            throw new LlaException(documents.Count == 0 && binary + special > 0
                ? $"{{data}} text:{path} holds no text files ({binary} binary and {special} other files skipped)"
                : $"{{data}} text:{path} is empty: no text to tokenize");
        return new TextCorpus(path, documents, binary, special, Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant());
    }

    /// <summary>The corpus in words: "3 files, 12,345 bytes (2 binary files skipped)".</summary>
    public string Summary
    {
        get
        {
            long bytes = Documents.Sum(d => (long)d.Utf8.Length);
            string s = $"{Documents.Count} file{(Documents.Count == 1 ? "" : "s")}, {bytes:N0} bytes";
            var skipped = new List<string>();
            if (SkippedBinary > 0) skipped.Add($"{SkippedBinary} binary file{(SkippedBinary == 1 ? "" : "s")}");
            if (SkippedSpecial > 0) skipped.Add($"{SkippedSpecial} non-regular file{(SkippedSpecial == 1 ? "" : "s")}");
            return skipped.Count == 0 ? s : $"{s}; skipped {string.Join(" and ", skipped)}";
        }
    }

    /// <summary>Files under <paramref name="folder"/> in ordinal order of their relative paths; folders (links followed) entered once each.</summary>
    private static IEnumerable<(string File, string Relative)> Walk(string folder, string prefix, HashSet<string> visited)
    {
        if (!visited.Add(Real(folder))) yield break;
        foreach (var entry in Directory.GetFileSystemEntries(folder).OrderBy(e => System.IO.Path.GetFileName(e), StringComparer.Ordinal))
        {
            string name = System.IO.Path.GetFileName(entry);
            if (name.Contains(CacheMarker, StringComparison.Ordinal)) continue;
            string relative = prefix.Length == 0 ? name : prefix + "/" + name;
            if (InputPaths.KindOf(entry) == PathKind.Folder)
            {
                // Children under the folder's real path, so that two links to one file are seen as one.
                foreach (var inner in Walk(Real(entry), relative, visited)) yield return inner;
            }
            else yield return (entry, relative);
        }
    }

    /// <summary>The path with every symbolic link resolved.</summary>
    private static string Real(string path)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
        return System.IO.Path.GetFullPath((target ?? info).FullName).TrimEnd('/');
    }

    /// <summary>The file's bytes, gunzipped if it starts with gzip's magic; a UTF-8 byte-order mark dropped.</summary>
    private static byte[] Contents(string file)
    {
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            try
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var output = new MemoryStream();
                gzip.CopyTo(output);
                bytes = output.ToArray();
            }
            catch (InvalidDataException) { return bytes; } // not gzip after all: judged as it is
        }
        return bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? bytes[3..] : bytes;
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Text: no NUL byte and valid UTF-8.</summary>
    internal static bool IsText(byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)0) >= 0) return false;
        try { Strict.GetCharCount(bytes); return true; }
        catch (DecoderFallbackException) { return false; }
    }

    private static void Add(IncrementalHash sha, string relative, byte[] bytes)
    {
        sha.AppendData(Encoding.UTF8.GetBytes(relative + "\n" + bytes.Length + "\n"));
        sha.AppendData(bytes);
    }
}
