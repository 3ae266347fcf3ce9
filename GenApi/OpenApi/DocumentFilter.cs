using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace GenApi.OpenApi;

/// <summary>What the endpoints cannot say about themselves: tag descriptions and the health probes.</summary>
public sealed class DocumentFilter : IDocumentFilter
{
    private static readonly (string Name, string Description)[] TagDescriptions =
    [
        ("Jobs", "Training jobs: start one, watch its progress, events, curves and samples, cancel it, promote its checkpoints."),
        ("Models", "Trained generators: sample, interpolate, reconstruct (VAEs), translate (cyclegan), evaluate and delete."),
        ("Datasets", "The built-in datasets and the image zips your team uploads."),
        ("Workers", "The processes that train jobs and whether they are alive."),
        ("Webhooks", "Your team's webhook signing secret (Standard Webhooks)."),
        ("Admin", "API keys; needs an admin key."),
        ("Health", "Probes for orchestrators and load balancers; no key needed."),
    ];

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Tags = new HashSet<OpenApiTag>(TagDescriptions.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        document.Paths.Add("/health/live", Probe("GetLiveness", "Is the process alive?",
            "200 while the process answers; it checks nothing else.", ready: false));
        document.Paths.Add("/health/ready", Probe("GetReadiness", "Can it serve?",
            "200 when the job store answers (`Degraded` while no worker is alive), 503 when it does not.", ready: true));
    }

    private static OpenApiPathItem Probe(string id, string summary, string description, bool ready)
    {
        var responses = new OpenApiResponses
        {
            ["200"] = Text(ready ? "Healthy, or Degraded (no live worker)." : "Healthy.", ready ? ["Healthy", "Degraded"] : ["Healthy"]),
        };
        if (ready) responses["503"] = Text("The job store does not answer.", ["Unhealthy"]);
        // The request size limit runs before every endpoint, the probes included.
        responses["413"] = new OpenApiResponse
        {
            Description = "The body is larger than this server accepts. Problem type: `https://genapi.dev/problems/body-too-large`.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails") },
            },
        };
        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = id, Summary = summary, Description = description,
                    Tags = new HashSet<OpenApiTagReference> { new("Health") },
                    // Open to everyone, keys or not.
                    Security = [],
                    Responses = responses,
                },
            },
        };
    }

    private static OpenApiResponse Text(string description, string[] values) => new()
    {
        Description = description,
        Content = new Dictionary<string, IOpenApiMediaType>
        {
            ["text/plain"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList() } },
        },
    };
}
