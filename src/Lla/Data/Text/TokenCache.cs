using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Lla.Data.Text;

/// <summary>
/// The token stream of a corpus kept on disk so that a second load skips tokenization: beside the text
/// (<c>FILE.lla-tokens.TOKENIZER</c>, or <c>FOLDER.lla-tokens.TOKENIZER</c> beside the folder) or, when
/// that cannot be written, in a cache folder (named by a hash of the text's full path). The file starts
/// with the corpus's content hash and the tokenizer's name; a cache whose hash differs is stale and is
/// written again. Format: the line <c>lla-tokens 1 HASH TOKENIZER COUNT</c>, then COUNT int32 little-endian ids.
/// </summary>
public static class TokenCache
{
    private const string Magic = "lla-tokens 1";

    /// <summary>The stream from a cache, or null when none holds this corpus with this tokenizer.</summary>
    public static int[]? TryRead(TextCorpus corpus, TextTokenizer tokenizer, string? cacheFolder)
    {
        foreach (var file in Candidates(corpus, tokenizer, cacheFolder))
            if (Read(file, corpus.Hash, tokenizer.Name) is { } tokens) return tokens;
        return null;
    }

    /// <summary>Writes the stream beside the text, else in the cache folder; returns the file written (null if neither could be).</summary>
    public static string? Write(TextCorpus corpus, TextTokenizer tokenizer, string? cacheFolder, int[] tokens)
    {
        foreach (var file in Candidates(corpus, tokenizer, cacheFolder))
        {
            string temporary = file + ".tmp-" + Environment.ProcessId;
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
                using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
                {
                    stream.Write(Encoding.ASCII.GetBytes($"{Magic} {corpus.Hash} {tokenizer.Name} {tokens.Length}\n"));
                    var buffer = new byte[4 * 65536];
                    for (int start = 0; start < tokens.Length; start += 65536)
                    {
                        int n = Math.Min(65536, tokens.Length - start);
                        for (int i = 0; i < n; i++) BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4 * i), tokens[start + i]);
                        stream.Write(buffer, 0, 4 * n);
                    }
                }
                File.Move(temporary, file, overwrite: true);
                return file;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                try { File.Delete(temporary); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
            }
        }
        return null;
    }

    /// <summary>Where a cache may be: beside the text first, then the cache folder.</summary>
    public static IEnumerable<string> Candidates(TextCorpus corpus, TextTokenizer tokenizer, string? cacheFolder)
    {
        string full = System.IO.Path.GetFullPath(corpus.Path).TrimEnd('/');
        yield return full + TextCorpus.CacheMarker + tokenizer.Name;
        string folder = cacheFolder ?? DefaultFolder;
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..16].ToLowerInvariant();
        yield return System.IO.Path.Combine(folder, $"{System.IO.Path.GetFileName(full)}-{key}{TextCorpus.CacheMarker}{tokenizer.Name}");
    }

    /// <summary>$XDG_CACHE_HOME/lla/tokens, else ~/.cache/lla/tokens.</summary>
    public static string DefaultFolder
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = string.IsNullOrEmpty(xdg) ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
            return System.IO.Path.Combine(root, "lla", "tokens");
        }
    }

    private static int[]? Read(string file, string hash, string tokenizer)
    {
        if (InputPaths.KindOf(file) != PathKind.File) return null;
        try
        {
            var bytes = File.ReadAllBytes(file);
            int newline = Array.IndexOf(bytes, (byte)'\n');
            if (newline < 0 || newline > 256) return null;
            var fields = Encoding.ASCII.GetString(bytes, 0, newline).Split(' ');
            if (fields.Length != 5 || $"{fields[0]} {fields[1]}" != Magic || fields[2] != hash || fields[3] != tokenizer
                || !int.TryParse(fields[4], out int count) || bytes.Length - newline - 1 != 4L * count) return null;
            var tokens = new int[count];
            for (int i = 0; i < count; i++) tokens[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(newline + 1 + 4 * i));
            return tokens;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
