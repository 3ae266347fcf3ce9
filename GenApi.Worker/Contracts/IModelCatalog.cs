namespace GenApi.Worker.Contracts;

/// <summary>Published models: recorded by the publisher, read, listed and deleted by their team. One role of <see cref="IJobStore"/>.</summary>
public interface IModelCatalog
{
    Task CreateModelAsync(ModelRecord model, CancellationToken cancellation = default);
    Task<ModelRecord?> GetModelAsync(string id, string? team = null, CancellationToken cancellation = default);
    Task<IReadOnlyList<ModelRecord>> ListModelsAsync(string team, PageCursor? after, int limit, CancellationToken cancellation = default);
    Task<bool> DeleteModelAsync(string id, string team, CancellationToken cancellation = default);
}
