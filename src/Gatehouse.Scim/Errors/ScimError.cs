using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Scim;

/// <summary>Stable codes for every failure the engine reports. The <c>scimType</c> ones are RFC 7644 §3.12 Table 9.</summary>
public enum ScimErrorType
{
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
    Sensitive,
    // Statuses without a scimType (RFC 7644 §3.12 "status" list).
    Unauthorized,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PayloadTooLarge,
    InternalError,
    NotImplemented,
}

/// <summary>
/// An expected failure as a value: the engine never throws for bad input. <see cref="Detail"/> is written for the
/// client and must never carry internals (stack traces, SQL, tokens).
/// </summary>
public sealed record ScimError(ScimErrorType Type, string Detail, int? Position = null)
{
    public const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";

    /// <summary>The HTTP status the error maps to (RFC 7644 §3.12).</summary>
    public int Status => Type switch
    {
        ScimErrorType.Uniqueness => 409,
        ScimErrorType.Sensitive => 403,
        ScimErrorType.Unauthorized => 401,
        ScimErrorType.Forbidden => 403,
        ScimErrorType.NotFound => 404,
        ScimErrorType.PreconditionFailed => 412,
        ScimErrorType.PayloadTooLarge => 413,
        ScimErrorType.InternalError => 500,
        ScimErrorType.NotImplemented => 501,
        _ => 400,
    };

    /// <summary>The RFC 7644 Table 9 keyword, or null where §3.12 defines none for the status.</summary>
    public string? ScimType => Type switch
    {
        ScimErrorType.InvalidFilter => "invalidFilter",
        ScimErrorType.TooMany => "tooMany",
        ScimErrorType.Uniqueness => "uniqueness",
        ScimErrorType.Mutability => "mutability",
        ScimErrorType.InvalidSyntax => "invalidSyntax",
        ScimErrorType.InvalidPath => "invalidPath",
        ScimErrorType.NoTarget => "noTarget",
        ScimErrorType.InvalidValue => "invalidValue",
        ScimErrorType.InvalidVers => "invalidVers",
        ScimErrorType.Sensitive => "sensitive",
        _ => null,
    };

    public static ScimError InvalidFilter(string detail, int? position = null) =>
        new(ScimErrorType.InvalidFilter, position is { } p ? $"{detail} (at position {p})." : detail + ".", position);
    public static ScimError TooMany(string detail) => new(ScimErrorType.TooMany, detail);
    public static ScimError Uniqueness(string detail) => new(ScimErrorType.Uniqueness, detail);
    public static ScimError Mutability(string detail) => new(ScimErrorType.Mutability, detail);
    public static ScimError InvalidSyntax(string detail) => new(ScimErrorType.InvalidSyntax, detail);
    public static ScimError InvalidPath(string detail) => new(ScimErrorType.InvalidPath, detail);
    public static ScimError NoTarget(string detail) => new(ScimErrorType.NoTarget, detail);
    public static ScimError InvalidValue(string detail) => new(ScimErrorType.InvalidValue, detail);
    public static ScimError InvalidVers(string detail) => new(ScimErrorType.InvalidVers, detail);
    public static ScimError Sensitive(string detail) => new(ScimErrorType.Sensitive, detail);
    public static ScimError NotFound(string detail) => new(ScimErrorType.NotFound, detail);
    public static ScimError Unauthorized(string detail) => new(ScimErrorType.Unauthorized, detail);
    public static ScimError Forbidden(string detail) => new(ScimErrorType.Forbidden, detail);
    public static ScimError PreconditionFailed(string detail) => new(ScimErrorType.PreconditionFailed, detail);
    public static ScimError PayloadTooLarge(string detail) => new(ScimErrorType.PayloadTooLarge, detail);
    public static ScimError NotImplemented(string detail) => new(ScimErrorType.NotImplemented, detail);
    public static ScimError InternalError(string detail) => new(ScimErrorType.InternalError, detail);

    /// <summary>
    /// The RFC 7644 §3.12 body. <c>status</c> is the HTTP status as a JSON string (errata 6893/7898 fixed the
    /// RFC examples that showed it as a number); <c>scimType</c> is present only where Table 9 defines one.
    /// </summary>
    public JsonObject ToJson()
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ErrorSchema),
            ["status"] = Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (ScimType is { } scimType) body["scimType"] = scimType;
        body["detail"] = Detail;
        return body;
    }

    /// <summary>The body as UTF-8 JSON text, ready for <c>application/scim+json</c>.</summary>
    public string ToJsonString() => ToJson().ToJsonString(ScimJson.WriteOptions);
}

/// <summary>The outcome of an engine call: a value or a <see cref="ScimError"/>, never both.</summary>
public readonly struct ScimResult<T>
{
    private readonly T? _value;

    private ScimResult(T? value, ScimError? error)
    {
        _value = value;
        Error = error;
    }

    public ScimError? Error { get; }
    public bool IsSuccess => Error is null;

    /// <summary>The value; reading it on a failed result is a bug in the caller and throws.</summary>
    public T Value => Error is null ? _value! : throw new InvalidOperationException($"The SCIM result failed: {Error.Detail}");

    public static ScimResult<T> Ok(T value) => new(value, null);
    public static ScimResult<T> Fail(ScimError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator ScimResult<T>(T value) => Ok(value);
    public static implicit operator ScimResult<T>(ScimError error) => Fail(error);

    public override string ToString() => IsSuccess ? $"Ok({_value})" : $"Fail({Error!.Type}: {Error.Detail})";
}

/// <summary>Shared System.Text.Json settings for SCIM bodies.</summary>
public static class ScimJson
{
    public const string MediaType = "application/scim+json";

    public static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = false };
}
