using System.Security.Claims;
using GenApi.Auth;
using GenApi.Contracts;
using GenApi.Webhooks;
using GenApi.Worker.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenApi.Endpoints;

/// <summary>The secret each team's webhook deliveries are signed with.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/webhooks").WithTags("Webhooks").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/secret", GetWebhookSecret).WithName(nameof(GetWebhookSecret));
        group.MapPost("/secret/rotate", RotateWebhookSecret).WithName(nameof(RotateWebhookSecret)).WithMetadata(new Calling.CarriesSecret());
        return group;
    }

    /// <summary>Get your team's webhook signing secret.</summary>
    /// <remarks>Deliveries to your receivers are signed with it (Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c>,
    /// <c>webhook-signature</c>); verify them with any Standard Webhooks library, e.g. <c>new StandardWebhook(secret).Verify(body, headers)</c>.
    /// Each team has its own secret, made on first use.</remarks>
    /// <response code="200">The secret.</response>
    public static async Task<Ok<WebhookSecretResponse>> GetWebhookSecret(ClaimsPrincipal user, IAccessStore store, CancellationToken cancellation) =>
        TypedResults.Ok(new WebhookSecretResponse(await store.GetOrCreateWebhookSecretAsync(user.Team(), WebhookSignature.NewSecret(), cancellation)));

    /// <summary>Rotate your team's webhook signing secret.</summary>
    /// <remarks>Deliveries from now on are signed with the new secret; update your receivers.</remarks>
    /// <response code="200">The new secret.</response>
    public static async Task<Ok<WebhookSecretResponse>> RotateWebhookSecret(ClaimsPrincipal user, IAccessStore store, CancellationToken cancellation)
    {
        var secret = WebhookSignature.NewSecret();
        await store.SetWebhookSecretAsync(user.Team(), secret, cancellation);
        return TypedResults.Ok(new WebhookSecretResponse(secret));
    }
}
