using System.Globalization;
using System.Text;
using System.Text.Json;
using GenApi.Contracts;
using GenApi.Hosting;
using GenApi.Worker.Contracts;
using Microsoft.Extensions.Options;

namespace GenApi.Webhooks;

/// <summary>
/// Delivers the webhook outbox: claims due deliveries, POSTs each signed payload (the job as it is now, and the
/// event), retries failures with exponential back-off and jitter, and records every outcome as a job event.
/// Several API instances may run it: a claim locks a delivery for a while.
/// </summary>
public sealed class WebhookDispatcher(
    IWebhookOutbox outbox, IJobStore store, IAccessStore access, IHttpClientFactory clients, IOptions<WebhookOptions> options,
    TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string ClientName = "webhooks";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly JsonSerializerOptions Json = CreateJson();
    private readonly WebhookOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await outbox.ClaimDueDeliveriesAsync(_options.Timeout * 3, 20, stoppingToken);
                await Task.WhenAll(due.Select(d => DeliverAsync(d, stoppingToken)));
                if (due.Count > 0) continue;
            }
            catch (System.Data.Common.DbException error)
            {
                logger.LogWarning("Webhook outbox unreachable: {Error}", error.Message);
            }
            await Task.Delay(PollInterval, time, stoppingToken);
        }
    }

    private async Task DeliverAsync(WebhookDelivery delivery, CancellationToken cancellation)
    {
        var job = await store.GetJobAsync(delivery.JobId, cancellation: cancellation);
        var id = $"evt_{delivery.EventId}";
        var type = $"job.{delivery.Kind}";
        var body = JsonSerializer.Serialize(new
        {
            id, type, createdAt = delivery.At,
            data = new { message = delivery.Message, job = job is null ? null : JobResponse.From(job) },
        }, Json);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        string? failure;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            // The job's team's own secret: one team's receiver cannot forge deliveries to another's.
            var secret = await access.GetOrCreateWebhookSecretAsync(job?.Team ?? "", WebhookSignature.NewSecret(), cancellation);
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, id, timestamp, body));
            // Only the status matters: the reply's body is never read, so a huge one costs nothing.
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            failure = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            // Generic words: the exception's own text would tell a caller which internal ports are open.
            failure = error switch
            {
                TaskCanceledException => $"no answer within {_options.Timeout.TotalSeconds:0} s",
                WebhookRefusedException refused => $"refused: {refused.Message}",
                HttpRequestException { InnerException: WebhookRefusedException refused } => $"refused: {refused.Message}",
                _ => "could not connect to the receiver",
            };
        }

        var attempt = delivery.Attempts + 1;
        var url = Worker.Telemetry.UrlRedaction.Redact(delivery.Url);
        logger.LogInformation("Webhook {Type} of job {JobId} to {Receiver}, attempt {Attempt}: {Outcome}", type, delivery.JobId, url, attempt, failure ?? "delivered");
        if (failure is null)
        {
            GenApiMetrics.WebhookDeliveries.Add(1, Outcome("delivered"));
            await outbox.RecordDeliveryAsync(delivery.Id, null, null, cancellation);
            await store.AddEventAsync(delivery.JobId, "webhook", $"{type} delivered to {url} (attempt {attempt})", cancellation);
        }
        else if (attempt >= _options.MaxAttempts)
        {
            GenApiMetrics.WebhookDeliveries.Add(1, Outcome("abandoned"));
            await outbox.RecordDeliveryAsync(delivery.Id, failure, null, cancellation);
            await store.AddEventAsync(delivery.JobId, "webhook", $"{type} to {url} failed: {failure}; gave up after {attempt} attempts", cancellation);
        }
        else
        {
            var delay = RetryDelay(attempt);
            GenApiMetrics.WebhookDeliveries.Add(1, Outcome("retrying"));
            await outbox.RecordDeliveryAsync(delivery.Id, failure, delay, cancellation);
            await store.AddEventAsync(delivery.JobId, "webhook",
                $"{type} to {url} failed: {failure} (attempt {attempt}); retrying in {delay.TotalSeconds:0.0} s", cancellation);
        }
    }

    private static KeyValuePair<string, object?> Outcome(string outcome) => new("genapi.webhook.outcome", outcome);

    // Exponential back-off with ±20 % jitter, so receivers coming back are not hit by every sender at once.
    private TimeSpan RetryDelay(int attempt)
    {
        var seconds = Math.Min(_options.FirstRetryDelay.TotalSeconds * Math.Pow(2, attempt - 1), 3600);
        return TimeSpan.FromSeconds(seconds * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonSetup.Apply(json);
        return json;
    }
}
