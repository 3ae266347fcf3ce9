namespace GenApi.Worker.Contracts;

/// <summary>The answer to a worker asking to run a job.</summary>
public enum JobStart
{
    /// <summary>The caller now holds the job's lease.</summary>
    Started,
    /// <summary>Another worker holds a live lease: it is still running the job.</summary>
    HeldByOther,
    /// <summary>Finished, canceled or unknown: nothing to run.</summary>
    NotRunnable,
    /// <summary>Workers were lost running it too many times; the store has marked it failed.</summary>
    AttemptsExhausted,
}
