"""The operations of the node: plain functions over a session that check authorisation themselves.

The JSON API, the web pages, the CLI and the tests all call these, so there is one code path per action.
Services add and flush; the request or command around them commits or rolls back.
"""
