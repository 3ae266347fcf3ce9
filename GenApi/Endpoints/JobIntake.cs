using GenApi.Calling;
using GenApi.Webhooks;
using GenApi.Worker.Artifacts;
using GenApi.Worker.Contracts;
using GenApi.Worker.Datasets;
using GenApi.Worker.Jobs;
using Microsoft.Extensions.Options;

namespace GenApi.Endpoints;

/// <summary>The services that accepting a job takes (bound as one with <c>[AsParameters]</c>): the data it names, the store
/// and checkpoints its sources come from, admission (quota and rate), the queue, and whether webhooks are on.</summary>
public readonly record struct JobIntake(
    DatasetCatalog Datasets, IJobStore Store, CheckpointStore Checkpoints, TrainingQueue Queue, IOptions<WebhookOptions> Webhooks, JobAdmission Admission);
