using System.ComponentModel.DataAnnotations;

namespace GenApi.Events;

/// <summary>How long a live event stream stays open. Bound from the <c>Events</c> configuration section.</summary>
public sealed class EventStreamOptions
{
    public const string Section = "Events";

    /// <summary>A stream ends after this long; clients reconnect with <c>Last-Event-ID</c> and miss nothing.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StreamLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often an open stream re-reads its key from the store, so a revoked or expired key's streams close.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan KeyRecheckInterval { get; set; } = TimeSpan.FromSeconds(2);
}
