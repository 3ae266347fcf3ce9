using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>ProblemDetails the endpoints share, each with a stable <c>type</c>.</summary>
public static class Problems
{
    public static string Type(string kind) => $"https://genapi.dev/problems/{kind}";

    /// <summary>The type of every 400 that lists invalid fields.</summary>
    public static string InvalidRequest { get; } = Type("invalid-request");

    public static ProblemHttpResult JobNotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Job not found.", detail: $"No job has id '{id}'.", type: Type("job-not-found"));

    public static ProblemHttpResult ModelNotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Model not found.", detail: $"No model has id '{id}'.", type: Type("model-not-found"));
}
