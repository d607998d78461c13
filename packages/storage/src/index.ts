/**
 * `@senderid/storage`: adapters for the domain's ports. Import the engine you run on from its own
 * entry (`@senderid/storage/sqlite`, `/postgres`, `/d1`) so an edge bundle never pulls in Node's.
 */
export * as Migrations from "./Migrations.ts"
export * as SqlRepository from "./SqlRepository.ts"
