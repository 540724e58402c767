using Xunit.Abstractions;
using Xunit.Sdk;

namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// Runs a class's tests in their usual order, except <see cref="MethodName"/>, which stops the shared engine and
/// checks that nothing was left behind: it must come last.
/// </summary>
public sealed class ShutdownLast : ITestCaseOrderer
{
    public const string MethodName = "Shutdown_LeavesNothingBehind";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name == MethodName ? 1 : 0);
}
