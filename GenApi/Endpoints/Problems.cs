using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>ProblemDetails the endpoints share, each with a stable <c>type</c>.</summary>
public static class Problems
{
    public static string Type(string kind) => $"https://genapi.dev/problems/{kind}";

    /// <summary>The type of every 400 that lists invalid fields.</summary>
    public static string InvalidRequest { get; } = Type("invalid-request");

    /// <summary>Writes a ProblemDetails response from middleware (outside endpoint results).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string kind, string? detail = null)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Type = Type(kind), Detail = detail },
        });
    }

    /// <summary>Writes a 400 that names the invalid <paramref name="field"/>, from middleware.</summary>
    public static async Task WriteInvalidAsync(HttpContext context, string title, string field, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = StatusCodes.Status400BadRequest, Title = title, Type = InvalidRequest,
            },
        });
    }

    /// <summary>The one 404 of every resource: "<paramref name="resource"/> not found", type <c>{resource}-not-found</c>, and
    /// <paramref name="detail"/> (by default, that no such resource has <paramref name="id"/>). Another team's resource gets it too.</summary>
    public static ProblemHttpResult NotFound(string resource, string id, string? detail = null) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: $"{char.ToUpperInvariant(resource[0])}{resource[1..]} not found.",
        detail: detail ?? $"No {resource} has id '{id}'.", type: Type($"{resource}-not-found"));

    public static ProblemHttpResult JobNotFound(string id) => NotFound("job", id);

    /// <summary>A 403: the team holds its share of models (<see cref="Worker.Artifacts.ModelQuotaExceededException"/>).</summary>
    public static ProblemHttpResult ModelQuota(Exception error) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "Model quota reached.", detail: $"The model was not published: {error.Message}", type: Type("quota-exceeded"));

    public static ProblemHttpResult ModelNotFound(string id) => NotFound("model", id);
}
