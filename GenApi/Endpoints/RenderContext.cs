using System.Security.Claims;
using GenApi.Worker.Contracts;
using GenApi.Worker.Rendering;

namespace GenApi.Endpoints;

/// <summary>What every rendering handler takes besides its query parameters, bound as one with <c>[AsParameters]</c>: the
/// caller, the store that says which models are theirs, the sampler, the exchange (for caching headers) and its cancellation.</summary>
public readonly record struct RenderContext(ClaimsPrincipal User, IJobStore Store, ModelSampler Sampler, HttpContext Http, CancellationToken Cancellation);
