using System.Reflection;
using GenApi.Worker.Compute;
using Microsoft.OpenApi;

namespace GenApi.OpenApi;

/// <summary>The served OpenAPI document (and <c>openapi/v1.json</c>): a contract generated clients compile against.</summary>
public static class OpenApiSetup
{
    public const string Description =
        "Train generative image models (GANs, DCGAN, conditional DCGAN, WGAN-GP, VAEs) and fetch their samples as PNG. " +
        "Where keys are required, send them as `Authorization: Bearer YOUR_KEY`. Errors are RFC 7807 problem details " +
        "(`application/problem+json`) with a stable `type`; a 400 lists every invalid field in `errors`.";

    public static IServiceCollection AddGenApiOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "GenApi",
                Version = "v1",
                Description = Description,
                License = new OpenApiLicense { Name = "Proprietary: for the teams of the deploying organisation", Url = new Uri("https://genapi.dev/licence") },
            });
            // Relative: "Try it out" and generated clients talk to whichever host serves the document.
            options.AddServer(new OpenApiServer { Url = "/", Description = "The GenApi server that serves this document." });
            options.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key created with `POST /v1/admin/keys` or `GenApi keys create --team NAME`.",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
            // Nullable reference types say what may be null; a nullable object is allOf[$ref] + nullable in OpenAPI 3.0.
            options.SupportNonNullableReferenceTypes();
            options.UseAllOfToExtendReferenceSchemas();
            options.SchemaFilter<ContractSchemaFilter>();
            options.OperationFilter<HttpContractOperationFilter>();
            options.DocumentFilter<DocumentFilter>();
            options.DocumentFilter<FamilyDocumentation>();
            foreach (var assembly in new[] { Assembly.GetExecutingAssembly(), typeof(WorkerOptions).Assembly })
            {
                var xml = Path.Combine(AppContext.BaseDirectory, $"{assembly.GetName().Name}.xml");
                if (File.Exists(xml)) options.IncludeXmlComments(xml);
            }
        });
        return services;
    }

    public static WebApplication UseGenApiOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI();
        return app;
    }
}
