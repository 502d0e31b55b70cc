import { invalid } from './errors.js';

/** What a topic requires of every ticket created with it (R42). */
export interface TopicRequirements {
  name: string;
  requireProcess: boolean;
  requireServiceChannel: boolean;
  requireStatusDetail: boolean;
}

/** The parts of a request a topic may require. */
export interface TopicFields {
  processRef?: string | null;
  serviceChannel?: string | null;
  statusDetail?: string | null;
}

/** R42, written once: the fields a request misses for its topic, each with its path and flag. */
export function missingForTopic(topic: TopicRequirements, r: TopicFields): { path: string; what: string }[] {
  const out: { path: string; what: string }[] = [];
  if (topic.requireProcess && !r.processRef) out.push({ path: 'processRef', what: 'a linked process (--process REF)' });
  if (topic.requireServiceChannel && !r.serviceChannel) out.push({ path: 'serviceChannel', what: 'a service channel (--service-channel phone|email|chat|in-person|whatsapp)' });
  if (topic.requireStatusDetail && !r.statusDetail) out.push({ path: 'statusDetail', what: 'a status detail (--status-detail TEXT)' });
  return out;
}

/** The words of a refusal: one line per missing field, naming the topic and what it requires. */
export function topicProblems(topic: TopicRequirements, r: TopicFields): string[] {
  return missingForTopic(topic, r).map((m) => `${m.path}: topic "${topic.name}" requires ${m.what} on every ticket (R42)`);
}

/** Refuses a request that misses what its topic requires (invalid input: nothing is written). */
export function assertTopicMet(topic: TopicRequirements, r: TopicFields): void {
  const problems = topicProblems(topic, r);
  if (problems.length) throw invalid(problems.join('; '), problems);
}
