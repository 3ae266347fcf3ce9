namespace GenApi.Auth;

/// <summary>The Hangfire dashboard. Bound from the <c>Dashboard</c> configuration section.</summary>
public sealed class DashboardSettings
{
    public const string Section = "Dashboard";

    /// <summary>
    /// Lets the dashboard delete, requeue and trigger Hangfire jobs. Off: it only shows them, and jobs are cancelled
    /// through the API, which keeps the job store and the queue in step.
    /// </summary>
    public bool AllowWrites { get; set; }
}
