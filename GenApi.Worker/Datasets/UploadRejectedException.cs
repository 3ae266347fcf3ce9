namespace GenApi.Worker.Datasets;

/// <summary>An upload that cannot become a dataset; the message says which entry and why.</summary>
public class UploadRejectedException(string message) : Exception(message);

/// <summary>An upload that would store more than the server allows for one upload (a 413), whatever it declares.</summary>
public sealed class UploadTooLargeException(string message) : UploadRejectedException(message);

/// <summary>An upload that would take the team past its dataset quota (a 403).</summary>
public sealed class DatasetQuotaExceededException(string message) : UploadRejectedException(message);
