using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using GenApi.Auth;
using GenApi.Endpoints;
using Microsoft.AspNetCore.RateLimiting;

namespace GenApi.Calling;

/// <summary>Per-key limits. Bound from the <c>RateLimits</c> configuration section.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Jobs one API key may create per minute (token bucket: bursts up to this many, refilled steadily).</summary>
    [Range(1, 100_000)]
    public int JobsPerMinute { get; set; } = 30;
}

/// <summary>Rate limiting of job creation per API key, answered with 429 ProblemDetails and Retry-After.</summary>
public static class RateLimits
{
    public const string JobCreation = "job-creation";

    public static IServiceCollection AddGenApiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var perMinute = (configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions()).JobsPerMinute;
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(JobCreation, context => RateLimitPartition.GetTokenBucketLimiter(context.User.KeyId(), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = Math.Max(1, perMinute / 12),
                ReplenishmentPeriod = TimeSpan.FromSeconds(5),
                QueueLimit = 0,
            }));
            limiter.OnRejected = async (context, cancellation) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(5);
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many jobs created.", "rate-limited",
                    $"This key may create {perMinute} jobs a minute; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s.");
            };
        });
        return services;
    }
}
