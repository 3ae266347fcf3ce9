namespace GenApi.Calling;

/// <summary>Endpoint metadata: this endpoint takes uploads up to <c>Datasets:MaxUploadBytes</c> instead of the small JSON limit.</summary>
public sealed class UploadSizeLimit;
