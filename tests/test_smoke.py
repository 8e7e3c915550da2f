from tests.factories import make_thread


def test_home_page_lists_boards(client, ctx):
    thread = make_thread()
    response = client.get("/")
    assert response.status_code == 200
    assert thread.title.encode() in response.data
