using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using GenApi.Auth;
using GenApi.Endpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;

namespace GenApi.Calling;

/// <summary>Per-key limits. Bound from the <c>RateLimits</c> configuration section.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Jobs one API key may create per minute (token bucket: bursts up to this many, refilled steadily).</summary>
    [Range(1, 100_000)]
    public int JobsPerMinute { get; set; } = 30;

    /// <summary>Sweeps one API key may start per minute (token bucket).</summary>
    [Range(1, 10_000)]
    public int SweepsPerMinute { get; set; } = 5;

    /// <summary>Checkpoint promotions one API key may make per minute (token bucket); each copies a generator.</summary>
    [Range(1, 10_000)]
    public int PromotesPerMinute { get; set; } = 20;

    /// <summary>Dataset uploads this API process imports at once (each key has one at a time besides).</summary>
    [Range(1, 64)]
    public int ConcurrentUploads { get; set; } = 2;

    /// <summary>Sample, interpolation and reconstruction requests one key may have running at once.</summary>
    [Range(1, 1000)]
    public int ConcurrentRendersPerKey { get; set; } = 4;

    /// <summary>Event streams (SSE) one key may hold open at once.</summary>
    [Range(1, 1000)]
    public int StreamsPerKey { get; set; } = 8;

    /// <summary>On-demand model evaluations running at once on this API process (each takes the CPU for seconds).</summary>
    [Range(1, 64)]
    public int ConcurrentEvaluations { get; set; } = 1;
}

/// <summary>
/// Per-key limits answered with 429 ProblemDetails and <c>Retry-After</c>: job creation (a token bucket, taken only
/// once a request is valid, so a 400 costs nothing), and concurrency limits on the expensive reads.
/// </summary>
public static class RateLimits
{
    public const string Rendering = "rendering";
    public const string Streams = "streams";
    public const string Evaluation = "evaluation";

    public static IServiceCollection AddGenApiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var o = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(new JobCreationLimiter(o.JobsPerMinute));
        services.AddSingleton(new SweepCreationLimiter(o.SweepsPerMinute));
        services.AddSingleton(new PromoteLimiter(o.PromotesPerMinute));
        services.AddSingleton(new UploadGate(o.ConcurrentUploads));
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Rendering, context => Concurrency(context.User.KeyId(), o.ConcurrentRendersPerKey));
            limiter.AddPolicy(Streams, context => Concurrency(context.User.KeyId(), o.StreamsPerKey));
            limiter.AddPolicy(Evaluation, _ => Concurrency("process", o.ConcurrentEvaluations));
            limiter.OnRejected = async (context, _) =>
            {
                var policy = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
                var detail = policy switch
                {
                    Streams => $"This key may hold {o.StreamsPerKey} event streams open at once; close one first.",
                    Evaluation => $"This server runs {o.ConcurrentEvaluations} evaluation(s) at a time; try again shortly.",
                    _ => $"This key may have {o.ConcurrentRendersPerKey} sample or reconstruction requests running at once.",
                };
                await RejectAsync(context.HttpContext, TimeSpan.FromSeconds(1), "Too many requests at once.", detail);
            };
        });
        return services;
    }

    public static Task RejectAsync(HttpContext http, TimeSpan retryAfter, string title, string detail) =>
        TooMany(http, retryAfter, title, detail).ExecuteAsync(http);

    public static string RateLimited { get; } = Problems.Type("rate-limited");

    /// <summary>A 429 problem (<c>rate-limited</c> unless told), with <c>Retry-After</c> set on the response.</summary>
    public static ProblemHttpResult TooMany(HttpContext http, TimeSpan retryAfter, string title, string detail, string? type = null)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: title, detail: detail, type: type ?? RateLimited);
    }

    private static RateLimitPartition<string> Concurrency(string key, int permits) =>
        RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 });
}

/// <summary>A token bucket per key, consulted by a handler once the request has proved valid.</summary>
public abstract class PerMinuteLimiter(int perMinute)
{
    private readonly PartitionedRateLimiter<string> _buckets = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            // Refilled in steps of at least one token, at exactly perMinute a minute (2 a minute is one token every 30 s, not every 5 s).
            TokenLimit = perMinute, TokensPerPeriod = Math.Max(1, perMinute / 12),
            ReplenishmentPeriod = TimeSpan.FromMinutes((double)Math.Max(1, perMinute / 12) / perMinute), QueueLimit = 0,
        }));

    public int PerMinute => perMinute;

    /// <summary>Takes a token for <paramref name="key"/>; null when one was free, else how long to wait.</summary>
    public TimeSpan? TryTake(string key)
    {
        using var lease = _buckets.AttemptAcquire(key);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(5);
    }
}

/// <summary>Jobs (direct, trials, compressions) per key, or per team for a sweep's trials.</summary>
public sealed class JobCreationLimiter(int perMinute) : PerMinuteLimiter(perMinute);

/// <summary>Sweeps started per key.</summary>
public sealed class SweepCreationLimiter(int perMinute) : PerMinuteLimiter(perMinute);

/// <summary>Checkpoint promotions per key.</summary>
public sealed class PromoteLimiter(int perMinute) : PerMinuteLimiter(perMinute);
