using System.ComponentModel;
using System.Text.Json.Serialization;

namespace GenApi.Contracts;

/// <summary>A training job to run. Only <c>dataset</c> is required; every other field has the DCGAN paper's default.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateJobRequest
{
    /// <summary>Model family. Today: <c>dcgan</c>.</summary>
    /// <example>dcgan</example>
    [DefaultValue("dcgan")]
    public string? Model { get; init; }

    /// <summary>Training data: <c>fashion-mnist</c> (Debian package dataset-fashion-mnist) or <c>synthetic</c> (built-in shapes).</summary>
    /// <example>fashion-mnist</example>
    [DefaultValue("fashion-mnist")]
    public string? Dataset { get; init; }

    /// <summary>Optimizer steps (one batch each for D and G), 1…1,000,000.</summary>
    /// <example>3000</example>
    [DefaultValue(1000)]
    public int? Steps { get; init; }

    /// <summary>Images per step, 1…1024.</summary>
    /// <example>64</example>
    [DefaultValue(64)]
    public int? BatchSize { get; init; }

    /// <summary>Fixes weights, noise and data order: the same request gives the same losses on CPU. Random when absent.</summary>
    /// <example>1</example>
    [DefaultValue(1)]
    public long? Seed { get; init; }

    /// <summary>Adam learning rate for both networks, (0, 1].</summary>
    /// <example>0.0002</example>
    [DefaultValue(0.0002)]
    public double? LearningRate { get; init; }

    /// <summary>Adam β1, [0, 1).</summary>
    /// <example>0.5</example>
    [DefaultValue(0.5)]
    public double? Beta1 { get; init; }

    /// <summary>Adam β2, [0, 1).</summary>
    /// <example>0.999</example>
    [DefaultValue(0.999)]
    public double? Beta2 { get; init; }

    /// <summary>Length of the generator's noise vector, 1…1024.</summary>
    /// <example>100</example>
    [DefaultValue(100)]
    public int? LatentDim { get; init; }

    /// <summary>Feature maps at full resolution in both networks (ngf = ndf), 4…512.</summary>
    /// <example>64</example>
    [DefaultValue(64)]
    public int? BaseChannels { get; init; }

    /// <summary>Steps between checkpoints, 1…steps. A restarted job resumes from the last one.</summary>
    /// <example>200</example>
    [DefaultValue(200)]
    public int? CheckpointEvery { get; init; }

    /// <summary>Score sample quality (Fréchet distance, KID, precision/recall on a domain classifier) at every checkpoint.
    /// The first evaluation of a dataset trains its classifier (about a minute on CPU).</summary>
    /// <example>true</example>
    [DefaultValue(false)]
    public bool? Evaluate { get; init; }

    /// <summary>Optional: POST the job's events to this URL.</summary>
    public WebhookRequest? Webhook { get; init; }

    /// <summary>Steps between refreshes of the progress grid (<c>GET /v1/jobs/{id}/samples.png</c>), 1…steps.</summary>
    /// <example>100</example>
    [DefaultValue(100)]
    public int? SampleEvery { get; init; }
}
