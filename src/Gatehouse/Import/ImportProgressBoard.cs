using System.Collections.Concurrent;

namespace Gatehouse.Import;

public sealed record LiveProgress(string Status, int ProcessedRows, int TotalRows, int Progress);

/// <summary>
/// The live progress of the imports this node is running. The database row gets the same figures a few times a
/// second, except while SQLite's single writer is busy with the import's own transaction; readers on this node
/// take the fresher of the two.
/// </summary>
public sealed class ImportProgressBoard
{
    private readonly ConcurrentDictionary<long, LiveProgress> _live = new();

    public void Set(long importId, LiveProgress progress) => _live[importId] = progress;
    public void Clear(long importId) => _live.TryRemove(importId, out _);
    public LiveProgress? Get(long importId) => _live.GetValueOrDefault(importId);

    /// <summary>Applies live figures to a row read from the database (never a finished row: the database is final).</summary>
    public void Overlay(UserImport import)
    {
        if (ImportStatus.IsDone(import.Status) || Get(import.Id) is not { } live) return;
        import.Status = live.Status;
        import.ProcessedRows = live.ProcessedRows;
        import.TotalRows = live.TotalRows;
        import.Progress = live.Progress;
    }
}

/// <summary>Wakes this node's worker when an import is queued here, so it does not wait for its next poll.</summary>
public sealed class ImportSignal
{
    private readonly SemaphoreSlim _signal = new(0);
    public void Wake() { if (_signal.CurrentCount == 0) _signal.Release(); }
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
