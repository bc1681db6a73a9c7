export { startDevBroker, type DevBroker, type DevBrokerOptions } from './broker';
