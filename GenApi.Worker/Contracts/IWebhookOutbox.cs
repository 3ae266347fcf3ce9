namespace GenApi.Worker.Contracts;

/// <summary>A pending webhook delivery: one job event for one subscriber.</summary>
public sealed record WebhookDelivery(long Id, string JobId, long EventId, string Url, string Kind, string Message, DateTimeOffset At, int Attempts);

/// <summary>Webhook deliveries written with their events, claimed and settled by a dispatcher.</summary>
public interface IWebhookOutbox
{
    /// <summary>Claims up to <paramref name="limit"/> due deliveries for <paramref name="lockFor"/>.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimDueDeliveriesAsync(TimeSpan lockFor, int limit, CancellationToken cancellation = default);
    /// <summary>Settles a delivery (<paramref name="retryIn"/> null: delivered, or given up when <paramref name="error"/> is set), or schedules its retry.</summary>
    Task RecordDeliveryAsync(long id, string? error, TimeSpan? retryIn, CancellationToken cancellation = default);
}
