using System.Reflection;
using GenApi.Endpoints;
using GenApi.Errors;
using GenApi.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using GenApi.Worker.Hosting;
using GenApi.Worker.Storage;
using GenApi.Worker.Training;
using Hangfire;
using Microsoft.OpenApi;

namespace GenApi.Hosting;

/// <summary>The API host's composition root.</summary>
public static class GenApiExtensions
{
    public static WebApplicationBuilder AddGenApi(this WebApplicationBuilder builder)
    {
        builder.AddTrainingEngine();
        var services = builder.Services;
        services.AddTrainingQueue(builder.Configuration);
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var worker = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        // Distributed mode: the API only enqueues and serves; GenApi.Worker processes train.
        if (worker.Embedded ?? !storage.IsDistributed) services.AddTrainingServer(worker.WorkerCount);

        services.AddHealthChecks().AddCheck<ReadinessCheck>("store-and-workers", tags: ["ready"]);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures must reach the exception handler in every environment, not only Development.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => JsonSetup.Apply(o.SerializerOptions));
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => JsonSetup.Apply(o.JsonSerializerOptions));

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "GenApi",
                Version = "v1",
                Description = "Train generative image models (DCGAN) and fetch their samples as PNG.",
            });
            foreach (var assembly in new[] { Assembly.GetExecutingAssembly(), typeof(WorkerOptions).Assembly })
            {
                var xml = Path.Combine(AppContext.BaseDirectory, $"{assembly.GetName().Name}.xml");
                if (File.Exists(xml)) options.IncludeXmlComments(xml);
            }
        });
        return builder;
    }

    public static WebApplication UseGenApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSwagger();
        app.UseSwaggerUI();
        app.UseHangfireDashboard("/hangfire");
        app.MapJobsApi();
        app.MapModelsApi();
        app.MapWorkersApi();
        // Liveness: the process answers. Readiness: the store answers (and whether any worker is alive).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapGet("/", () => TypedResults.Redirect("/swagger")).ExcludeFromDescription();
        return app;
    }
}
