using System.ComponentModel.DataAnnotations;

namespace GenApi.Webhooks;

/// <summary>Webhook deliveries. Bound from the <c>Webhooks</c> configuration section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>HMAC-SHA256 signing secret shared with receivers; webhooks are refused while it is unset.</summary>
    public string? Secret { get; set; }

    /// <summary>Attempts per delivery before giving up.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before the first retry; it doubles each time (±20 % jitter), up to an hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time a receiver has to answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrEmpty(Secret);
}
