import { type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, createActor } from "xstate";

/**
 * Pure steps of one machine through a single inert actor scope. XState's `transition()` builds a new actor
 * (and so computes a whole initial state) on every call; the flows here have no side-effect actions and spawn
 * no children, so one inert scope serves every call. This uses the public actor-logic interface
 * (`getInitialSnapshot`, `transition`, `restoreSnapshot`), with the same results as `transition()`.
 */
export class MachineRunner {
  private readonly scope: AnyActorScope;

  constructor(
    readonly machine: AnyStateMachine,
    sampleInput: unknown,
  ) {
    const self = createActor(machine, { input: sampleInput });
    this.scope = {
      self,
      id: "",
      sessionId: "",
      system: self.system,
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      // Flows only change context through assign; there are no other actions to run.
      actionExecutor: () => {},
    };
  }

  /** The first snapshot of the machine for this input. */
  initial(input: unknown): AnyMachineSnapshot {
    return this.machine.getInitialSnapshot(this.scope, input);
  }

  /** The next snapshot for an event (pure). */
  transition(
    snapshot: AnyMachineSnapshot,
    event: { type: string; [key: string]: unknown },
  ): AnyMachineSnapshot {
    return this.machine.transition(snapshot, event, this.scope);
  }

  /** A snapshot from its persisted JSON form (history states included). */
  restore(persisted: unknown): AnyMachineSnapshot {
    return this.machine.restoreSnapshot(persisted as never, this.scope) as AnyMachineSnapshot;
  }

  /** The JSON-safe form stored in the database. */
  persist(snapshot: AnyMachineSnapshot): unknown {
    return this.machine.getPersistedSnapshot(snapshot);
  }
}
