namespace Kiln.Tools;

/// <summary>
/// Marks a public property of a <see cref="Tool"/> as an execution parameter: its value enters the tool
/// instance's fingerprint, so changing it causes a redo. Values must be fundamental: null, bool, numbers,
/// strings, byte arrays, enums, paths, and lists, sets or dictionaries of those.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class ExecutionParameterAttribute : Attribute;
