using GenApi.Worker.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenApi.Worker.Compute.Recovery;

/// <summary>
/// Makes the <see cref="UpdateGuard"/>s of one process (trainers, distillations, feature classifiers): with the registered
/// faults (none outside tests), counting each recovered update in <c>genapi.train.recovered_updates</c> and the log.
/// </summary>
public sealed class UpdateGuards(IGradientFaults faults, ILogger<UpdateGuard> logger)
{
    /// <summary>Guards that inject nothing and log nowhere: for tools outside the service (bench, engine tests).</summary>
    public static UpdateGuards Silent { get; } = new(NoGradientFaults.Instance, NullLogger<UpdateGuard>.Instance);

    /// <summary>What the guards inject: <see cref="NoGradientFaults"/> in the service.</summary>
    public IGradientFaults Faults => faults;

    /// <param name="what">What is training, for the log (a job id, "feature classifier of fashion-mnist").</param>
    /// <param name="recovered">Also told of each recovered update (the job's count and events).</param>
    public UpdateGuard Create(string what, Action<UpdateAttempt>? recovered = null) => new(faults, Recovered(what, recovered));

    /// <summary>The callback <see cref="Create"/> gives its guard, for guards that trainers make themselves.</summary>
    public Action<UpdateAttempt> Recovered(string what, Action<UpdateAttempt>? recovered = null) => attempt =>
    {
        WorkerMetrics.RecoveredUpdates.Add(1);
        logger.LogWarning("{What}: the update of {Network} at step {Step} was not finite and was recomputed (try {Attempt} was)",
            what, attempt.Network, attempt.Step, attempt.Attempt);
        recovered?.Invoke(attempt);
    };
}
