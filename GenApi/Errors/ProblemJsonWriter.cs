using System.Text.Json;
using GenApi.Endpoints;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace GenApi.Errors;

/// <summary>
/// Writes every problem (endpoint results, middleware, status-code pages, the exception handler) as
/// <c>application/problem+json</c>, whatever the caller's <c>Accept</c> says. The framework's writer declines
/// <c>Accept: text/html</c>, which left empty 500s and bodiless 400s behind.
/// </summary>
public sealed class ProblemJsonWriter(IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        // A bare status (unknown route, 405, …) still gets a stable GenApi type and a title.
        problem.Type ??= Problems.Type(Slug(problem.Status.Value));
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json", http.RequestAborted));
    }

    private static string Slug(int status) => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase
        ? phrase.ToLowerInvariant().Replace(' ', '-').Replace("'", "")
        : $"status-{status}";
}
