namespace GenApi.Auth;

/// <summary>API-key authentication. Bound from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Require <c>Authorization: Bearer &lt;key&gt;</c>. Unset: on with PostgreSQL storage, off in embedded mode.</summary>
    public bool? Enabled { get; set; }

    /// <summary>A bootstrap admin key (e.g. from a secret store): may create keys and open the Hangfire dashboard remotely.</summary>
    public string? AdminKey { get; set; }
}
