using Gatehouse.Accounts;

namespace Gatehouse.Import;

/// <summary>
/// Hashes the file's passwords before the write transaction opens (PBKDF2 is slow by design, and a transaction
/// must not wait on it): one hash per password row, in parallel on every core. Returns hash by line.
/// </summary>
public static class PasswordBatchHasher
{
    // Small batches keep the progress bar moving; each hash costs far more than the batch overhead.
    private static readonly int Batch = Environment.ProcessorCount * 16;

    public static Dictionary<int, string> HashAll(Stream file, PasswordHashing hashing, Action<int>? hashed = null, CancellationToken ct = default)
    {
        var result = new Dictionary<int, string>();
        var pending = new List<(int Line, string Password)>(Batch);
        var done = 0;
        using var reader = new UserCsvReader(file);
        foreach (var row in reader.Rows())
        {
            if (row[2] is { Length: > 0 } p && p.Trim().Length > 0) pending.Add((row.Line, p));
            if (pending.Count == Batch) Flush();
        }
        Flush();
        return result;

        void Flush()
        {
            if (pending.Count == 0) return;
            var hashes = new string[pending.Count];
            Parallel.For(0, pending.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => hashes[i] = hashing.Hash(pending[i].Password));
            for (var i = 0; i < pending.Count; i++) result[pending[i].Line] = hashes[i];
            done += pending.Count;
            pending.Clear();
            hashed?.Invoke(done);
        }
    }
}
