using System.ComponentModel.DataAnnotations;

namespace GenApi.Sweeps;

/// <summary>The sweep controller. Bound from the <c>Sweeps</c> configuration section.</summary>
public sealed class SweepOptions
{
    public const string Section = "Sweeps";

    /// <summary>How often the controller looks at running sweeps (proposes trials, ends sweeps).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a replica's hold on the controller lasts without renewal: another replica takes over after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);
}
