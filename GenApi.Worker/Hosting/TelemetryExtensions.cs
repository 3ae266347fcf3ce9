using GenApi.Worker.Jobs;
using GenApi.Worker.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GenApi.Worker.Hosting;

/// <summary>OpenTelemetry for either process, switched on by the standard <c>OTEL_*</c> variables.</summary>
public static class TelemetryExtensions
{
    /// <summary>The meters both processes publish.</summary>
    public static readonly string[] Meters = ["GenApi", WorkerMetrics.MeterName];

    /// <summary>
    /// Traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (and <c>OTEL_SDK_DISABLED</c>
    /// is not true); otherwise nothing is registered, so no listener exists and spans are never created.
    /// </summary>
    public static IHostApplicationBuilder AddGenApiTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        JobTraceFilter.Register();
        if (!IsEnabled(builder.Configuration)) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, wins (the SDK reads it); the process's role is the fallback.
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"])) resource.AddService(serviceName);
            })
            .WithTracing(tracing => tracing
                .AddSource(Tracing.SourceName)
                // Probes would drown the requests people care about.
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                // The only outbound calls are webhook deliveries, whose URL path may be the receiver's secret.
                .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, request) =>
                {
                    if (request.RequestUri is { } uri) activity.SetTag("url.full", UrlRedaction.Redact(uri));
                })
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation())
            .WithLogging()
            .UseOtlpExporter();
        return builder;
    }

    public static bool IsEnabled(IConfiguration configuration) =>
        !string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
}
