using System.Text.Json;
using System.Text.RegularExpressions;
using GenApi.Endpoints;
using Microsoft.AspNetCore.Diagnostics;

namespace GenApi.Errors;

/// <summary>
/// Turns the framework's request-binding failures (malformed JSON, a string where a number belongs, an
/// unknown field, an unparsable query value) into a 400 ValidationProblem naming the field, never a 500.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;

        var (field, message) = bad.InnerException switch
        {
            JsonException json => (FieldFromJsonPath(json.Path), CleanJsonMessage(json)),
            _ when BindFailure().Match(bad.Message) is { Success: true } m =>
                (m.Groups["name"].Value, $"'{m.Groups["value"].Value}' is not a valid {Friendly(m.Groups["type"].Value)}."),
            _ => ("body", bad.Message),
        };
        context.Response.StatusCode = bad.StatusCode;
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "The request is invalid." : "The request cannot be processed.",
            Type = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? Problems.Type("unsupported-media-type") : Problems.InvalidRequest,
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    // "$.steps" → "steps", "$" or null → "body"
    private static string FieldFromJsonPath(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string CleanJsonMessage(JsonException json)
    {
        if (json.Message.Contains("could not be mapped", StringComparison.Ordinal))
            return "Unknown field: check its spelling against the API documentation.";
        if (ConvertFailure().Match(json.Message) is { Success: true } m)
            return $"Must be a JSON {Friendly(m.Groups["type"].Value)}.";
        return json.Message.Split(" Path:", 2)[0];
    }

    private static string Friendly(string type) => type.ToLowerInvariant() switch
    {
        var t when t.Contains("int") || t.Contains("long") => "integer",
        var t when t.Contains("double") || t.Contains("single") || t.Contains("decimal") => "number",
        var t when t.Contains("string") => "string",
        _ => "value",
    };

    // Failed to bind parameter "Nullable<int> count" from "abc".
    [GeneratedRegex("parameter \"(?<type>\\S+) (?<name>\\w+)\" from \"(?<value>[^\"]*)\"")]
    private static partial Regex BindFailure();

    // The JSON value could not be converted to System.Nullable`1[System.Int32].
    [GeneratedRegex("could not be converted to (?<type>\\S+)")]
    private static partial Regex ConvertFailure();
}
