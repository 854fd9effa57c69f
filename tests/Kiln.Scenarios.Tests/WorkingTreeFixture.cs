using Kiln.Testing;

namespace Kiln.Scenarios.Tests;

/// <summary>A fresh working tree with a captured diagnostic log (tests/Shared/TemporaryWorkingTree.cs).</summary>
public sealed class WorkingTreeFixture() : TemporaryWorkingTree("kiln-scenario-");
