using System.Text.RegularExpressions;
using NJsonSchema;
using NSwag;

namespace GenApi.Tests.Contract;

/// <summary>
/// The checked-in <c>openapi/v1.json</c>, read by an off-the-shelf OpenAPI reader (NSwag), and the check of one
/// live response against it: the operation must document the status, the content type and the body's schema.
/// </summary>
public static class OpenApiContract
{
    private static readonly Lazy<OpenApiDocument> Document = new(() =>
        OpenApiDocument.FromFileAsync(Path.Combine(TestPaths.RepositoryRoot, "openapi", "v1.json")).GetAwaiter().GetResult());

    private static readonly Lazy<List<(Regex Path, string Template)>> Paths = new(() => Document.Value.Paths.Keys
        .Select(template => (new Regex("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$"), template))
        // Literal segments win over parameters: /v1/jobs/{id}/events before /v1/jobs/{id}.
        .OrderByDescending(p => p.template.Count(c => c == '/')).ThenBy(p => p.template.Count(c => c == '{'))
        .ToList());

    private static int _checked;

    /// <summary>Responses checked against the document so far in this test run.</summary>
    public static int Checked => _checked;

    /// <summary>What is wrong with this response by the document; empty when it conforms or the path is not an API path.</summary>
    public static IReadOnlyList<string> Check(string method, string path, int status, string? contentType, string? body)
    {
        var match = Paths.Value.FirstOrDefault(p => p.Path.IsMatch(path));
        if (match.Template is null) return [];   // /swagger, /hangfire, /: not part of the API contract
        var where = $"{method} {match.Template} → {status}";
        if (!Document.Value.Paths[match.Template].TryGetValue(method.ToLowerInvariant(), out var operation))
            // A method the document does not list is rightly refused with 405.
            return status == 405 ? [] : [$"{where}: the document has no {method} operation here"];
        Interlocked.Increment(ref _checked);
        if (!operation.Responses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response))
            return [$"{where}: status not documented (documented: {string.Join(", ", operation.Responses.Keys)}); body: {Truncate(body)}"];
        if (contentType is null || body is null || response.Content.Count == 0) return [];
        if (!response.Content.TryGetValue(contentType, out var media))
            return [$"{where}: content type {contentType} not documented (documented: {string.Join(", ", response.Content.Keys)})"];
        if (!contentType.Contains("json", StringComparison.Ordinal) || media.Schema is null) return [];
        var errors = media.Schema.Validate(body, SchemaType.OpenApi3);
        return errors.Select(e => $"{where}: {e.Path} {e.Kind} ({e.Property}); body: {Truncate(body)}").ToList();
    }

    private static string Truncate(string? body) => body is null ? "" : body.Length <= 400 ? body : body[..400] + "…";
}
