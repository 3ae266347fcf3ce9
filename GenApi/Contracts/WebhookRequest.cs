using System.ComponentModel.DataAnnotations;
using GenApi.OpenApi;
using GenApi.Worker.Contracts;

namespace GenApi.Contracts;

/// <summary>Where to POST the job's events. Deliveries are signed (Standard Webhooks headers
/// <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>: HMAC-SHA256 of <c>id.timestamp.body</c>)
/// and retried with exponential back-off.</summary>
/// <param name="Url" example="https://example.com/genapi-hook">An absolute http(s) URL.</param>
/// <param name="Events">Event kinds to send: started, resumed, checkpoint, interrupted, succeeded, failed, canceled, pruned (a sweep trial stopped early). Default: succeeded, failed, canceled, pruned.</param>
public sealed record WebhookRequest(
    [property: Required] string? Url,
    [property: ClosedSet(typeof(WebhookSubscription), nameof(WebhookSubscription.Kinds))] IReadOnlyList<string>? Events);
