namespace Gatehouse.Import;

/// <summary>Bulk import's log messages (event ids 8000–8099). Never logs file contents or passwords.</summary>
public static partial class ImportLog
{
    [LoggerMessage(8000, LogLevel.Information, "Import {ImportId} of site {SiteId} claimed by {Node} (attempt {Attempt}).")]
    public static partial void Claimed(ILogger logger, long importId, long siteId, string node, int attempt);

    [LoggerMessage(8001, LogLevel.Information, "Import {ImportId}: {Status}, {Rows} rows, {Errors} errors, {Created} created, {Updated} updated in {Elapsed} ms.")]
    public static partial void Finished(ILogger logger, long importId, string status, int rows, int errors, int created, int updated, long elapsed);

    [LoggerMessage(8002, LogLevel.Warning, "Import {ImportId} rolled back: the site changed during the run ({Reason}).")]
    public static partial void Conflict(ILogger logger, long importId, string reason);

    [LoggerMessage(8003, LogLevel.Error, "Import {ImportId} failed and was rolled back.")]
    public static partial void Failed(ILogger logger, Exception error, long importId);

    [LoggerMessage(8004, LogLevel.Warning, "Import {ImportId}: could not record progress or heartbeat.")]
    public static partial void ProgressNotSaved(ILogger logger, Exception error, long importId);

    [LoggerMessage(8005, LogLevel.Error, "The import worker's loop failed; retrying.")]
    public static partial void WorkerFailed(ILogger logger, Exception error);

    [LoggerMessage(8006, LogLevel.Information, "Import {ImportId} released by {Node} on shutdown; another node may take it over.")]
    public static partial void Released(ILogger logger, long importId, string node);
}
