using GenApi.Calling;
using GenApi.Sweeps;
using GenApi.Webhooks;
using GenApi.Worker.Datasets;
using GenApi.Worker.Sweeps;
using Microsoft.Extensions.Options;

namespace GenApi.Endpoints;

/// <summary>The services that accepting a sweep takes (bound as one with <c>[AsParameters]</c>): the data, the sweep store,
/// admission, quotas and the creation rate, the JSON options its space is read with, webhooks, and the clock.</summary>
public readonly record struct SweepIntake(
    DatasetCatalog Datasets, ISweepStore Sweeps, JobAdmission Admission, Quotas Quotas, SweepCreationLimiter Limiter,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> Json, IOptions<WebhookOptions> Webhooks, TimeProvider Time);
