using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Gatehouse.Import;

/// <summary>One data row: its line in the file (where the record starts; the header is line 1) and its known columns.</summary>
public sealed class CsvRow(int line, string?[] values)
{
    public int Line { get; } = line;
    /// <summary>By <see cref="ImportColumns.All"/> index; null when the file has no such column.</summary>
    public string? this[int column] => values[column];
    public string? Get(string column) => values[Array.IndexOf(ImportColumns.All, column)];
}

/// <summary>
/// Streams the rows of an import file with CsvHelper's parser (RFC 4180: quoted fields with commas, quotes and
/// line breaks; CRLF or LF). UTF-8 with or without a BOM; anything else is refused rather than guessed.
/// Header names are matched case-insensitively; unknown columns are warned about and ignored; blank rows skipped.
/// </summary>
public sealed class UserCsvReader : IDisposable
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly StreamReader _text;
    private readonly CsvParser _parser;
    private readonly List<ImportIssue> _issues = [];
    private int[] _map = [];
    private int _headerFields;
    private bool _badData;

    public UserCsvReader(Stream stream)
    {
        _text = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        _parser = new CsvParser(_text, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = true,
            IgnoreBlankLines = true,
            DetectDelimiter = false,
            // A quote inside an unquoted field: reported on the row, not thrown.
            BadDataFound = _ => _badData = true,
            CacheFields = true,
        });
    }

    /// <summary>Problems found in the file's shape (header, encoding, stray quotes), added to as rows are read.</summary>
    public List<ImportIssue> Issues => _issues;
    /// <summary>Bytes consumed so far, for progress while validating.</summary>
    public long Position => _text.BaseStream is ImportFileStream f ? f.BytesRead : _text.BaseStream.CanSeek ? _text.BaseStream.Position : 0;
    public bool HeaderOk { get; private set; }

    public IEnumerable<CsvRow> Rows()
    {
        if (!ReadHeader()) yield break;
        while (true)
        {
            _badData = false;
            string[]? record;
            try
            {
                if (!_parser.Read()) yield break;
                record = _parser.Record;
            }
            catch (DecoderFallbackException)
            {
                _issues.Add(new ImportIssue(_parser.RawRow + 1, null, "The file is not valid UTF-8. Save it as \"CSV UTF-8\" and upload it again."));
                yield break;
            }
            if (record is null || record.All(string.IsNullOrWhiteSpace)) continue;
            var line = StartLine();
            if (_badData)
                _issues.Add(new ImportIssue(line, null, "has a quote inside a field that is not quoted; put the whole field in double quotes and double the quote (\"\")"));
            if (record.Length > _headerFields && record.Skip(_headerFields).Any(f => !string.IsNullOrWhiteSpace(f)))
                _issues.Add(new ImportIssue(line, null, $"has {record.Length} fields but the header has {_headerFields}; check for an unquoted comma"));
            var values = new string?[ImportColumns.All.Length];
            for (var c = 0; c < values.Length; c++)
                values[c] = _map[c] < 0 ? null : _map[c] < record.Length ? record[_map[c]] : "";
            yield return new CsvRow(line, values);
        }
    }

    /// <summary>The line where the current record starts: the parser counts the lines it has read, including those inside quotes.</summary>
    private int StartLine()
    {
        var raw = _parser.RawRecord.AsSpan().TrimEnd("\r\n");
        var breaks = 0;
        for (var i = 0; i < raw.Length; i++)
            if (raw[i] == '\n' || (raw[i] == '\r' && (i + 1 == raw.Length || raw[i + 1] != '\n'))) breaks++;
        return _parser.RawRow - breaks;
    }

    private bool ReadHeader()
    {
        string[]? header;
        try
        {
            header = _parser.Read() ? _parser.Record : null;
        }
        catch (DecoderFallbackException)
        {
            _issues.Add(new ImportIssue(1, null, "The file is not valid UTF-8. Save it as \"CSV UTF-8\" and upload it again."));
            return false;
        }
        if (header is null || header.All(string.IsNullOrWhiteSpace))
        {
            _issues.Add(new ImportIssue(null, null, $"The file is empty. The first line must be a header with the columns: {string.Join(", ", ImportColumns.All)}."));
            return false;
        }
        _headerFields = header.Length;
        _map = Enumerable.Repeat(-1, ImportColumns.All.Length).ToArray();
        var ok = true;
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            var known = Array.IndexOf(ImportColumns.All, name);
            if (known < 0)
            {
                if (name.Length > 0)
                    _issues.Add(new ImportIssue(1, header[i].Trim(), $"is not a known column and is ignored (known: {string.Join(", ", ImportColumns.All)})", ImportIssue.Warning));
                continue;
            }
            if (_map[known] >= 0) { _issues.Add(new ImportIssue(1, name, "appears more than once in the header")); ok = false; continue; }
            _map[known] = i;
        }
        if (_map[0] < 0)
        {
            _issues.Add(new ImportIssue(1, ImportColumns.Username, "The header has no username column; it is required. The first line must name the columns."));
            ok = false;
        }
        HeaderOk = ok;
        return ok;
    }

    public void Dispose()
    {
        _parser.Dispose();
        _text.Dispose();
    }
}
