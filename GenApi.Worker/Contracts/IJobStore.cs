namespace GenApi.Worker.Contracts;

/// <summary>
/// Jobs, models, events and workers, shared by the API and every worker. A running job is held under a
/// lease that its worker renews; state changes are conditional updates on status and lease owner, so two
/// processes racing on one job (a lost worker coming back, a cancel against a completion) cannot both win.
/// Split by caller, as Hangfire splits its storage: a class that needs one role takes that port.
/// </summary>
public interface IJobStore : IJobCatalog, IJobLeases, IJobHistory, IQueueRecovery, IModelCatalog, IWorkerRegistry
{
}
