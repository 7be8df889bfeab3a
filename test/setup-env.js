// Tests run on Node 20 by this project's machine constraint; the deployed functions run on nodejs22.x,
// so the AWS SDK's Node-version notice does not apply and would only bury the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
