using GenApi.Auth;
using GenApi.Calling;
using GenApi.Endpoints;
using GenApi.Errors;
using GenApi.Health;
using GenApi.OpenApi;
using GenApi.WebConsole;
using GenApi.Webhooks;
using GenApi.Worker.Compute;
using GenApi.Worker.Hosting;
using GenApi.Worker.Storage;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace GenApi.Hosting;

/// <summary>The API host's composition root.</summary>
public static class GenApiExtensions
{
    /// <summary>Request bodies are small JSON documents; anything bigger is refused before it is read.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddGenApi(this WebApplicationBuilder builder)
    {
        builder.AddTrainingEngine();
        builder.AddGenApiTelemetry("genapi-api");
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddTrainingQueue(configuration);
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var worker = configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        // Distributed mode: the API only enqueues and serves; GenApi.Worker processes train.
        if (worker.Embedded ?? !storage.IsDistributed) services.AddTrainingServer(worker.WorkerCount);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        AddAuth(services, configuration, storage);
        services.AddGenApiRateLimits(configuration);
        services.AddOptions<QuotaOptions>().BindConfiguration(QuotaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Quotas>();
        services.AddSingleton<JobAdmission>();
        services.AddSingleton<Rendering.ChartCache>();
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.ParsedNetworks(out _) is not null, "Webhooks:AllowedNetworks holds an entry that is not a CIDR network (e.g. 10.1.0.0/16).")
            .ValidateOnStart();
        services.AddSingleton(sp => new WebhookAddressGuard(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.ParsedNetworks(out _)!));
        services.AddHttpClient(WebhookDispatcher.ClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.Timeout)
            // The default loggers write the full URL, whose path may be the receiver's secret; the dispatcher logs a redacted one.
            .RemoveAllLoggers()
            // Redirects could lead anywhere, the internal network included: a 3xx is a failed delivery.
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseCookies = false, UseProxy = false,
                ConnectCallback = sp.GetRequiredService<WebhookAddressGuard>().ConnectAsync,
            });
        services.AddHostedService<WebhookDispatcher>();
        services.AddHostedService<GenApiMetrics>();
        services.AddHostedService<Worker.Jobs.JobSweeper>();
        services.AddOptions<Sweeps.SweepOptions>().BindConfiguration(Sweeps.SweepOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<Sweeps.SweepController>();
        services.AddSingleton<Events.JobEventFeed>();
        services.AddOptions<Events.EventStreamOptions>().BindConfiguration(Events.EventStreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Events.StreamLease>();
        services.AddHostedService(sp => sp.GetRequiredService<Events.JobEventFeed>());
        services.AddHealthChecks().AddCheck<ReadinessCheck>("store-and-workers", tags: ["ready"]);

        // Ahead of the framework's writer, which declines callers that do not accept JSON.
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures must reach the exception handler in every environment, not only Development.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => JsonSetup.Apply(o.SerializerOptions));
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => JsonSetup.Apply(o.JsonSerializerOptions));
        services.AddGenApiOpenApi();
        return builder;
    }

    public static WebApplication UseGenApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestSizeLimit>();
        app.UseConsole();
        app.UseGenApiOpenApi();
        app.UseAuthentication();
        app.UseAuthorization();
        // Before the rate limiter: a replayed response costs no quota.
        app.UseMiddleware<IdempotencyMiddleware>();
        app.UseRateLimiter();
        var dashboard = app.Services.GetRequiredService<DashboardAuthorization>();
        app.Use(dashboard.GateAsync);
        var allowWrites = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DashboardSettings>>().Value.AllowWrites;
        app.UseHangfireDashboard(DashboardAuthorization.PathPrefix, new DashboardOptions
        {
            AsyncAuthorization = [dashboard],
            IsReadOnlyFunc = _ => !allowWrites,
        });
        app.MapJobsApi();
        app.MapSweepsApi();
        app.MapModelsApi();
        app.MapDatasetsApi();
        app.MapWorkersApi();
        app.MapFamiliesApi();
        app.MapAdminApi();
        app.MapWebhooksApi();
        // Liveness: the process answers. Readiness: the store answers (and whether any worker is alive).
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    private static void AddAuth(IServiceCollection services, IConfiguration configuration, StorageOptions storage)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        // Multi-team deployments use PostgreSQL; the embedded single-user mode needs no keys unless asked.
        services.AddSingleton(new AuthMode(auth.Enabled ?? storage.IsDistributed));
        services.AddMemoryCache();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<DashboardAuthorization>();
        services.AddOptions<DashboardSettings>().BindConfiguration(DashboardSettings.Section);
        // Hangfire demands an antiforgery token on every dashboard POST once the service is registered.
        services.AddAntiforgery();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
    }
}
