using Gatehouse.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Import;

/// <summary>
/// The uploaded file lives in the database (<c>user_import_chunks</c>), not on one node's disk, so whichever node
/// claims the import can read it. Written and read in chunks, never whole.
/// </summary>
public static class ImportFileStore
{
    public const int ChunkBytes = 512 * 1024;

    /// <summary>Copies the upload into chunks; returns its size, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<long?> SaveAsync(GatehouseDb db, long importId, Stream upload, long maxBytes, CancellationToken ct)
    {
        var buffer = new byte[ChunkBytes];
        long total = 0;
        var seq = 0;
        while (true)
        {
            var filled = 0;
            int n;
            while (filled < buffer.Length && (n = await upload.ReadAsync(buffer.AsMemory(filled), ct)) > 0) filled += n;
            if (filled == 0) break;
            total += filled;
            if (total > maxBytes) return null;
            db.Set<UserImportChunk>().Add(new UserImportChunk { ImportId = importId, Seq = seq++, Data = buffer[..filled] });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            if (filled < buffer.Length) break;
        }
        return total;
    }

    public static Task DeleteAsync(GatehouseDb db, long importId, CancellationToken ct) =>
        db.Set<UserImportChunk>().Where(c => c.ImportId == importId).ExecuteDeleteAsync(ct);
}

/// <summary>
/// A read-only stream over an import's chunks, fetching one chunk at a time with its own short-lived context, so
/// reading never shares a connection with the import's transaction (or an open COPY on PostgreSQL).
/// </summary>
public sealed class ImportFileStream(IServiceScopeFactory scopes, long importId) : Stream
{
    private byte[] _chunk = [];
    private int _offset;
    private int _nextSeq;
    private bool _end;

    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_offset == _chunk.Length && !Fetch()) return 0;
        var n = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        BytesRead += n;
        return n;
    }

    private bool Fetch()
    {
        if (_end) return false;
        var seq = _nextSeq++;
        using var scope = scopes.CreateScope();
        var data = scope.ServiceProvider.GetRequiredService<GatehouseDb>().Set<UserImportChunk>().AsNoTracking().Where(c => c.ImportId == importId && c.Seq == seq).Select(c => c.Data).FirstOrDefault();
        if (data is null || data.Length == 0) { _end = true; return false; }
        _chunk = data;
        _offset = 0;
        return true;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
