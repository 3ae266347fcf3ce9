using System.ComponentModel.DataAnnotations;

namespace GenApi.Webhooks;

/// <summary>Webhook deliveries. Bound from the <c>Webhooks</c> configuration section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Whether jobs may ask for webhooks. Each team signs with its own secret (<c>GET /v1/webhooks/secret</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts per delivery before giving up.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before the first retry; it doubles each time (±20 % jitter), up to an hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time a receiver has to answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Networks (CIDR, e.g. <c>10.1.0.0/16</c>) that receivers may be in besides the public internet: loopback,
    /// private, link-local, unique-local, CGNAT and multicast addresses are refused unless listed here.</summary>
    public List<string> AllowedNetworks { get; set; } = [];


    /// <summary>Parsed <see cref="AllowedNetworks"/>; null with the first entry that is not a network.</summary>
    public IReadOnlyList<System.Net.IPNetwork>? ParsedNetworks(out string? invalid)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in AllowedNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(entry, out var network))
            {
                invalid = entry;
                return null;
            }
            networks.Add(network);
        }
        invalid = null;
        return networks;
    }
}
