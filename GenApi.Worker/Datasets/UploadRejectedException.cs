namespace GenApi.Worker.Datasets;

/// <summary>An upload that cannot become a dataset; the message says which entry and why.</summary>
public sealed class UploadRejectedException(string message) : Exception(message);
