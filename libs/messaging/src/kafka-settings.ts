/** How a service reaches Kafka. */
export interface KafkaSettings {
  /** `host:port` of the bootstrap brokers. */
  brokers: string[];
  /** Kafka client id; the service name. */
  clientId: string;
  /** Prepended to every topic name, so runs sharing one broker never see each other's records. */
  topicPrefix: string;
}
