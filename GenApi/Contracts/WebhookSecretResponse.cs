namespace GenApi.Contracts;

/// <summary>A team's webhook signing secret.</summary>
/// <param name="Secret">The Standard Webhooks secret, <c>whsec_</c> followed by base64.</param>
public sealed record WebhookSecretResponse(string Secret);
