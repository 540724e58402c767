// One xunit collection per engine class, so the three engines (each with its own daemon, shared by its tests)
// run side by side; the tests inside one class run one after another.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 3)]
